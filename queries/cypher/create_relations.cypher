// A first import: relations known to be new, $rows holds [type, from, to, props].
UNWIND $rows AS row
MATCH (a:Entity {id: row[1]})
MATCH (b:Entity {id: row[2]})
CREATE (a)-[r:$(row[0])]->(b)
SET r = row[3]
