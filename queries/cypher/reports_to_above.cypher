// Every REPORTS_TO relation on a chain upwards from one of $ids.
UNWIND $ids AS id
MATCH (:Entity {id: id})-[:REPORTS_TO]->*(u)-[:REPORTS_TO]->(v)
RETURN DISTINCT u.id AS from, v.id AS to
