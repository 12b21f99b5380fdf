"""Word → PDF through LibreOffice (``soffice --headless --convert-to pdf``), for previews and tests.

The notices name the GB/T 9704 fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); where they are not
installed, ``include/templates/notices/fonts/fonts.conf`` maps them to Debian's fonts-noto-cjk and
fonts-arphic-ukai. Needs the Debian package ``libreoffice-writer-nogui`` (or any LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from govwatch.errors import NotAvailable
from govwatch.settings import get_settings


def fontconfig_file() -> Path:
    return get_settings().templates_dir / "notices" / "fonts" / "fonts.conf"


def docx_to_pdf(docx: Path, out_dir: Path, *, timeout: float = 180) -> Path:
    """Convert ``docx`` into ``out_dir``; returns the PDF's path."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise NotAvailable("LibreOffice is not installed (Debian: libreoffice-writer-nogui) / 未安装 LibreOffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(fontconfig_file())
    # A private profile: two conversions at once (or a desktop LibreOffice) would otherwise share a lock.
    with tempfile.TemporaryDirectory(prefix="govwatch-lo-") as profile:
        env["HOME"] = profile
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)]  # fmt: skip
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    pdf = out_dir / (docx.stem + ".pdf")
    if proc.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"soffice could not convert {docx}: {proc.stderr.strip() or proc.stdout.strip()}")
    return pdf
