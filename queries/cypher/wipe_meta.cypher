MATCH (m:GraphsvcMeta {key: 'store'})
SET m.revision = 0
