OPTIONAL MATCH (m:GraphsvcMeta {key: 'store'})
RETURN m.revision AS revision, m.schema AS schema
