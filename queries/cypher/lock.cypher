// Every write transaction starts here: the exclusive lock on the bookkeeping node serialises writers,
// so checks made inside the transaction hold until it commits.
MATCH (m:GraphsvcMeta {key: 'store'})
SET m.lock = true
RETURN m.revision AS revision
