"""The message bus: CloudEvents over RabbitMQ with an outbox, a relay, and consumers with an inbox."""
