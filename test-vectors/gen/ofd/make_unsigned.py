#!/usr/bin/env python3
"""Writes a minimal, valid, unsigned OFD package (GB/T 33190-2016): OFD.xml, Doc_0/Document.xml
(one A4 page), Doc_0/PublicRes.xml (one font) and Doc_0/Pages/Page_0/Content.xml (lines of text).

usage: make_unsigned.py OUTPUT.ofd DOC_ID LINE [LINE...]

Entries are deflated with a fixed timestamp, so the same arguments give the same bytes.
"""
import sys
import zipfile
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def files(doc_id, lines):
    ofd = (HEAD + f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
           f'<ofd:DocID>{doc_id}</ofd:DocID><ofd:CreationDate>2026-06-01</ofd:CreationDate>'
           '<ofd:Creator>yinjian test-vectors</ofd:Creator></ofd:DocInfo>'
           '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    document = (HEAD + f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{3 + len(lines)}</ofd:MaxUnitID>'
                '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>'
                '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
    res = (HEAD + f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
           '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
    objects = []
    for i, line in enumerate(lines):
        size = 5.0 if i == 0 else 4.0
        y = 30 + 12 * i
        width = round(size * len(line) + 1, 1)
        objects.append(f'<ofd:TextObject ID="{4 + i}" Boundary="25 {y} {width} {size + 2}" Font="2" Size="{size}">'
                       f'<ofd:TextCode X="0" Y="{size}">{escape(line)}</ofd:TextCode></ofd:TextObject>')
    content = (HEAD + f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="3">'
               + "".join(objects) + '</ofd:Layer></ofd:Content></ofd:Page>')
    return [("OFD.xml", ofd), ("Doc_0/Document.xml", document), ("Doc_0/PublicRes.xml", res),
            ("Doc_0/Pages/Page_0/Content.xml", content)]


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    out, doc_id, lines = sys.argv[1], sys.argv[2], sys.argv[3:]
    with zipfile.ZipFile(out, "w") as z:
        for name, text in files(doc_id, lines):
            info = zipfile.ZipInfo(name, date_time=(2026, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


main()
