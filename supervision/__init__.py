"""Supervision of the platform itself (Art. 12, 18, 20, 22): statistical reports, the public
figures and providers' scorecard, accountability cases against providers and the rules that
departments file. The top layer: it reads every other app and no app reads it."""
