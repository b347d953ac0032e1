-- The account the desktop behind the RDP endpoint authenticated at sign-in (null without a desktop, or before the sign-in):
-- what 'rdlic sessionhost sessions' shows as the user, and whom a Per User CAL follows.
ALTER TABLE sessions ADD COLUMN authenticated_user TEXT NULL;
