// Create or replace relations: $rows holds [type, from, to, props].
UNWIND $rows AS row
MATCH (a:Entity {id: row[1]})
MATCH (b:Entity {id: row[2]})
MERGE (a)-[r:$(row[0])]->(b)
SET r = row[3]
