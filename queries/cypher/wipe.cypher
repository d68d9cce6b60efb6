// Tests only: delete every graphsvc node and audit entry (batched), then zero the revision.
MATCH (n)
WHERE n:Entity OR n:GraphsvcRevision OR n:GraphsvcToken OR n:AuditEntry
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
