// One page of the audit log, oldest first: entries after seq $after matching every filter given.
MATCH (e:AuditEntry)
WHERE e.seq > $after
  AND ($account IS NULL OR $account IN e.accounts)
  AND ($member IS NULL OR e.member = $member)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
  AND ($operations IS NULL OR e.operation IN $operations)
  AND ($outcome IS NULL OR e.outcome = $outcome)
RETURN properties(e) AS entry
ORDER BY e.seq
LIMIT $limit
