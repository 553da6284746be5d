"""The commands of the ``briefings`` command line, one module per group; ``briefings.cli``
registers them. Each goes through the service objects (``briefings.service``) as the bot does."""
