UNWIND $sites AS site
MATCH (n:Person {site: site})
RETURN labels(n) AS labels, properties(n) AS props
