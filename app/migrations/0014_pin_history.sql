-- Coterie store, schema version 14.
-- Whether a pin is refused because its channel holds 50 pins already is judged on the
-- channel's pin history in its order (signed time, epoch, sequence number, message id),
-- not on arrival: every client keeps each pin and unpin it accepted from an admin here and
-- replays them in that order, so a crossing pin and unpin reach the same verdict on every
-- client. `pins` stays the result (each post's last honoured pin or unpin). Pins stored
-- before this version start the history as they are.
CREATE TABLE pin_events (
    group_id   BLOB    NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    channel_id BLOB    NOT NULL,
    target     BLOB    NOT NULL,
    pinned     INTEGER NOT NULL,             -- 1 pin, 0 unpin
    by_ik      BLOB    NOT NULL,
    time       INTEGER NOT NULL,             -- signed time
    msg_id     BLOB    NOT NULL,             -- epoch ‖ seq ‖ message id (order_key)
    refused    INTEGER NOT NULL DEFAULT 0,   -- 1: the channel was full at its position
    PRIMARY KEY (group_id, channel_id, time, msg_id)
) WITHOUT ROWID;

INSERT INTO pin_events (group_id, channel_id, target, pinned, by_ik, time, msg_id)
SELECT group_id, channel_id, target, pinned, by_ik, time, msg_id FROM pins;
