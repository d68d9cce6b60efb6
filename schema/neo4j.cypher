// Constraints and indexes of the Neo4j store, applied in order, each on its own, when graphsvc opens
// a store whose recorded schema version is older than SCHEMA_VERSION below (and by `graphsvc migrate`).
// Every statement is IF NOT EXISTS: applying them again changes nothing.
// SCHEMA_VERSION: 2

// Ids are unique across every kind (a graphsvc id names one record), and per label.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT site_id IF NOT EXISTS FOR (n:Site) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT committee_id IF NOT EXISTS FOR (n:Committee) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT influencer_id IF NOT EXISTS FOR (n:Influencer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT member_id IF NOT EXISTS FOR (n:Member) REQUIRE n.id IS UNIQUE;

// Lookups the queries make: an account's records, the people at a site.
CREATE INDEX entity_account IF NOT EXISTS FOR (n:Entity) ON (n.account);
CREATE INDEX person_site IF NOT EXISTS FOR (n:Person) ON (n.site);

// Bookkeeping: the store's revision, per-account revisions, API tokens (stored hashed).
CREATE CONSTRAINT graphsvc_meta_key IF NOT EXISTS FOR (m:GraphsvcMeta) REQUIRE m.key IS UNIQUE;
CREATE CONSTRAINT graphsvc_revision_account IF NOT EXISTS FOR (r:GraphsvcRevision) REQUIRE r.account IS UNIQUE;
CREATE CONSTRAINT graphsvc_token_id IF NOT EXISTS FOR (t:GraphsvcToken) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT graphsvc_token_hash IF NOT EXISTS FOR (t:GraphsvcToken) REQUIRE t.hash IS UNIQUE;

// The audit log (docs/audit.md): AuditEntry nodes, kept apart from the graph (no Entity label, no relationships),
// numbered by the sequence in GraphsvcMeta {key: 'audit'}.
CREATE CONSTRAINT audit_entry_seq IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.seq IS UNIQUE;
CREATE INDEX audit_entry_at IF NOT EXISTS FOR (e:AuditEntry) ON (e.at);
CREATE INDEX audit_entry_member IF NOT EXISTS FOR (e:AuditEntry) ON (e.member);
