OPTIONAL MATCH (m:GraphsvcMeta {key: 'store'})
RETURN coalesce(m.revision, 0) AS revision
