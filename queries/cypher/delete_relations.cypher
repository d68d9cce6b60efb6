UNWIND $keys AS k
MATCH (:Entity {id: k[1]})-[r:$(k[0])]->(:Entity {id: k[2]})
DELETE r
RETURN count(r) AS deleted
