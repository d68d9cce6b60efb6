// Create or replace nodes: $rows holds {label, props}; props carries id and every property.
UNWIND $rows AS row
MERGE (n:Entity {id: row.props.id})
SET n = row.props, n:$(row.label)
