"""Discord adapter of candidate-assistant (discord.py). Entry points: `bot.build_bot`, `bot.run`."""
