// A first import: nodes known to be new.
UNWIND $rows AS row
CREATE (n:Entity)
SET n = row.props, n:$(row.label)
