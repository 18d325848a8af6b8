"""Composing reports: an agency's register of applications (``register``), table 3 from it
(``table3``), reply deadlines on China's working-day calendar (``calendar``, ``deadlines``),
what drafters type (``inputs``) and the draft itself (``draft``)."""
