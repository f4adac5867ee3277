/// The tables of the transactional outbox (producer side) and of event cursors (consumer
/// side), created in a service's own schema by its migrations.
public enum OutboxSchema {
  /// Creates `outbox_events` and its single-row sequence counter.
  ///
  /// The counter row is what makes the sequence both gap-free and in commit order: every
  /// appending transaction increments it and holds its row lock until it commits, so a
  /// reader that has seen sequence N can never later find a committed event below N.
  public static let producerMigration = """
    CREATE TABLE outbox_sequence (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      last_sequence bigint NOT NULL
    );
    INSERT INTO outbox_sequence (last_sequence) VALUES (0);
    CREATE TABLE outbox_events (
      sequence bigint PRIMARY KEY,
      event_type text NOT NULL,
      organization_id bigint NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      request_id text NOT NULL DEFAULT '',
      payload_type text NOT NULL,
      payload bytea NOT NULL
    );
    CREATE INDEX outbox_events_by_organization ON outbox_events (organization_id, sequence);
    """

  /// Creates `event_cursors`: the last sequence handled per producer stream.
  public static let consumerMigration = """
    CREATE TABLE event_cursors (
      consumer text NOT NULL,
      producer text NOT NULL,
      last_sequence bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, producer)
    );
    """

  /// Creates `event_dead_letters`: events a consumer's handler refused again and again,
  /// kept whole (the envelope's bytes) so they can be inspected and replayed; the consumer
  /// moves past them instead of blocking its stream behind one poison event.
  public static let deadLetterMigration = """
    CREATE TABLE event_dead_letters (
      consumer text NOT NULL,
      producer text NOT NULL,
      sequence bigint NOT NULL,
      event_type text NOT NULL,
      organization_id bigint NOT NULL,
      envelope bytea NOT NULL,
      error text NOT NULL,
      attempts integer NOT NULL,
      dead_lettered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, producer, sequence)
    );
    """

  /// Lets an operator ask for a dead letter to be applied again (``DeadLetterStore/requestReplay(from:sequences:pool:)``);
  /// the running consumer picks the request up (``EventConsumer``).
  public static let deadLetterReplayMigration = """
    ALTER TABLE event_dead_letters ADD COLUMN replay_requested_at timestamptz;
    CREATE INDEX event_dead_letters_replay ON event_dead_letters (consumer)
      WHERE replay_requested_at IS NOT NULL;
    """
}
