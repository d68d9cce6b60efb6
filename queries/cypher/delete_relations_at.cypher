// Every relation at any of the nodes $ids (each counted once).
UNWIND $ids AS id
MATCH (:Entity {id: id})-[r]-()
WITH DISTINCT r
DELETE r
RETURN count(r) AS deleted
