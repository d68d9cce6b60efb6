OPTIONAL MATCH (r:GraphsvcRevision {account: $account})
RETURN coalesce(r.revision, 0) AS revision
