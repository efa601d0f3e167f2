"""Messages: rendering (sandboxed Jinja2), SMS/LMS length in EUC-KR, the ad-law labels, composing."""
