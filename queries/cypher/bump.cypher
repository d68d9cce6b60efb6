// Move the store's revision and stamp it on every account in $accounts.
MATCH (m:GraphsvcMeta {key: 'store'})
SET m.revision = m.revision + 1
WITH m
CALL (m) {
  UNWIND $accounts AS account
  MERGE (r:GraphsvcRevision {account: account})
  SET r.revision = m.revision
}
RETURN m.revision AS revision
