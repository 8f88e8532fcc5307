-- 002: the review by teller (issue 12.8). The hall-day review filtered by a teller walked the
-- review index (branch, day, rank, time, …) and dropped the other tellers' rows afterwards; this
-- index starts at (branch, day, staff) and keeps the review's order after it, so a teller's
-- page is one bounded range scan however many counters the hall has.
CREATE INDEX entries_review_staff
    ON hall.entries (branch_id, business_day, staff, review_rank, utc_time, workstation_id, seq);

INSERT INTO hall.schema_version (version) VALUES (2);
