-- One person, one account (seed 003). Addresses, networks and names join the identifying values;
-- an address or a network links two accounts only while both used it recently, so its `at` is
-- when the account last used it.
CREATE INDEX identity_fingerprints_by_account_value ON identity_fingerprints (account_id, kind, value);

-- Sign-ins as account sharing reads them: where (the operator's GeoIP place, when it sent one)
-- and from which device. Degrees are kept in millionths (integers read the same on both
-- databases).
CREATE TABLE account_sign_ins (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    device_id TEXT,
    latitude_e6 BIGINT,
    longitude_e6 BIGINT
);
CREATE INDEX account_sign_ins_by_account ON account_sign_ins (account_id, at);
