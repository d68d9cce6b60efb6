// Create or replace nodes: $rows holds {label, props}; props carries id and every property.
// A replace import may give a stored id another kind: the old kind's label goes (other labels stay).
UNWIND $rows AS row
MERGE (n:Entity {id: row.props.id})
WITH n, row,
     [label IN labels(n) WHERE label <> row.label
        AND label IN ['Account', 'Site', 'Person', 'Committee', 'Influencer', 'Member']] AS stale
REMOVE n:$(stale)
SET n = row.props, n:$(row.label)
