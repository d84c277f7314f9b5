-- Ticket numbers drawn from one counter row: two tickets opened at once wait on its lock instead
-- of drawing the same MAX + 1 and one of them failing.
CREATE TABLE ticket_numbers (
    id BIGINT PRIMARY KEY,
    next_number BIGINT NOT NULL
);
INSERT INTO ticket_numbers (id, next_number) SELECT 1, COALESCE(MAX(number) + 1, 100001) FROM tickets;
