// Wait until every index and constraint is online (after the schema statements), at most 300 seconds.
CALL db.awaitIndexes(300)
