"""Tests of lead storage, spool, notifications and the staff command line."""
