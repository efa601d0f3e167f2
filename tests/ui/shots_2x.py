"""Every main screen at 2× (run as its own process: the scale factor is read when Qt starts).

`python tests/ui/shots_2x.py DB LANG OUT_DIR` saves OUT_DIR/2x-LANG-PAGE.png and prints each file's pixel size.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from engine import config
from storage.db import open_database
from tests.ui.test_main_window import open_window
from ui.main_window import PAGE_IDS


def main(db_path: str, lang: str, out: str) -> int:
    db = open_database(db_path)
    with db.write_session() as session:
        config.set_value(session, "ui.language", lang)
    _controller, window = open_window(db)
    window.show()
    app = QApplication.instance()
    for page_id in PAGE_IDS:
        window.show_page(page_id)
        page = window.pages[page_id]
        if hasattr(page, "wait_idle"):
            page.wait_idle()
        for _ in range(20):
            app.processEvents()
        image = window.grab()
        target = Path(out) / f"2x-{lang}-{page_id}.png"
        image.save(str(target))
        print(page_id, image.width(), image.height(), image.devicePixelRatio())
    window.close()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
