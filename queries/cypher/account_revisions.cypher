// The revisions of the accounts in $accounts that have one (the caller answers 0 for the rest, like
// account_revision). One seek of the graphsvc_revision_account constraint's index per id
// (NodeUniqueIndexSeek with the list; checked with PROFILE on the S portfolio).
MATCH (r:GraphsvcRevision)
WHERE r.account IN $accounts
RETURN r.account AS account, r.revision AS revision
