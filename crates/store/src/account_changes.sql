-- SQLite only (see migrations/0006_account_changes.sql): every change to an account's row or to
-- its restrictions, by any connection or process, leaves the account's id behind.
CREATE TRIGGER IF NOT EXISTS account_changed AFTER UPDATE ON accounts
BEGIN INSERT INTO account_changes (account_id) VALUES (NEW.id); END;
CREATE TRIGGER IF NOT EXISTS account_deleted AFTER DELETE ON accounts
BEGIN INSERT INTO account_changes (account_id) VALUES (OLD.id); END;
CREATE TRIGGER IF NOT EXISTS restriction_added AFTER INSERT ON restrictions
BEGIN INSERT INTO account_changes (account_id) VALUES (NEW.account_id); END;
CREATE TRIGGER IF NOT EXISTS restriction_changed AFTER UPDATE ON restrictions
BEGIN INSERT INTO account_changes (account_id) VALUES (NEW.account_id); END;
CREATE TRIGGER IF NOT EXISTS restriction_deleted AFTER DELETE ON restrictions
BEGIN INSERT INTO account_changes (account_id) VALUES (OLD.account_id); END;
