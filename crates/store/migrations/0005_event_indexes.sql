-- Nothing reads events by actor (decisions are read by actor instead), and every index is one
-- more page to rewrite with each committed group of events: the pipeline's write cost.
DROP INDEX events_by_actor;
