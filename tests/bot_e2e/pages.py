"""Pages served to the bot's /ingest in tests (original text, invented quotes)."""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>India and China agree to reopen border trade at Shipki La | The Ridge Courier</title>
<meta property="og:site_name" content="The Ridge Courier">
<meta property="article:published_time" content="2025-06-12T10:00:00+05:30">
</head><body><article>
<h1>India and China agree to reopen border trade at Shipki La</h1>
<p>NEW DELHI — India and China have agreed to reopen border trade through the Shipki La pass,
Foreign Secretary Vikram Misri said on Thursday after talks with Vice Foreign Minister Sun Weidong.</p>
<p>The two sides also agreed to resume direct flights and to ease visa procedures for journalists,
according to a statement issued by the Ministry of External Affairs in New Delhi.</p>
<p>"Trade at the border passes is an old link between our peoples," Misri told reporters.
Officials said the first traders could cross in June, weather permitting, and that the
arrangement would be reviewed after one season.</p>
<p>China's foreign ministry spokesperson Lin Jian said Beijing welcomed the step and hoped
the two countries would keep up the momentum of exchanges at different levels.</p>
</article></body></html>
"""
