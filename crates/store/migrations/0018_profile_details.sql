-- A profile's portfolio, certificates, education and languages (seed 001), as one JSON object.
ALTER TABLE profiles ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
