-- Coterie store, schema version 18.
-- An anonymous poll's tally is signed by the key that sealed the poll's envelope
-- (docs/protocol.md §5.3.2): the creator's identity key from their first device, or the
-- creating device's own key from a linked or restored device. `creator_device` keeps that
-- device key (NULL: the creator's identity key sealed it); a tally held until its poll lands
-- keeps the device key that sealed it the same way.
ALTER TABLE polls ADD COLUMN creator_device BLOB;
ALTER TABLE poll_held_tallies ADD COLUMN device_pk BLOB;
