// One page of the audit log, newest first: entries before seq $before (null: from the newest) matching every filter.
MATCH (e:AuditEntry)
WHERE ($before IS NULL OR e.seq < $before)
  AND ($account IS NULL OR $account IN e.accounts)
  AND ($member IS NULL OR e.member = $member)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at < $until)
  AND ($operations IS NULL OR e.operation IN $operations)
  AND ($outcome IS NULL OR e.outcome = $outcome)
RETURN properties(e) AS entry
ORDER BY e.seq DESC
LIMIT $limit
