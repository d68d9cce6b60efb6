MATCH (m:GraphsvcMeta {key: 'store'})
SET m.schema = $schema
