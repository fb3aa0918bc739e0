"""An independent parse of mail files with Python's email package, for the content mapping tests.

For each file given: the text body as Python's get_body() chooses it (text/plain preferred over
text/html), and the attachments in MIME order with their file names, content types and the
SHA-256 of their decoded octets (for a forwarded message/rfc822 part: its Subject). Printed as
one JSON object keyed by file name.
"""
import email
import email.policy
import hashlib
import json
import os
import sys


def leaves(part):
    if part.get_content_maintype() == 'multipart':
        for child in part.iter_parts():
            yield from leaves(child)
    else:
        yield part


def is_body_text(part):
    return (part.get_content_type() in ('text/plain', 'text/html') and part.get_filename() is None
            and part.get_content_disposition() != 'attachment')


def describe(path):
    with open(path, 'rb') as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    body = message.get_body(preferencelist=('plain', 'html'))
    text = None
    if body is not None:
        try:
            text = body.get_content()
        except LookupError:
            text = None  # a charset Python does not know: the Java side has its own expectation
    attachments = []
    for part in leaves(message):
        if is_body_text(part):
            continue
        entry = {'name': part.get_filename(), 'type': part.get_content_type(),
                 'contentId': str(part['Content-ID']) if part['Content-ID'] else None,
                 'disposition': part.get_content_disposition(),
                 # Python's parser turns the CRLF of a part that is not base64 into \n
                 'lineBreaksNormalized': str(part.get('Content-Transfer-Encoding', '7bit')).strip().lower() != 'base64'}
        if part.get_content_type() == 'message/rfc822':
            entry['subject'] = str(part.get_payload(0)['Subject'])
        else:
            entry['sha256'] = hashlib.sha256(part.get_payload(decode=True) or b'').hexdigest()
        attachments.append(entry)
    return {'bodyType': body.get_content_type() if body is not None else None, 'body': text,
            'attachments': attachments}


print(json.dumps({os.path.basename(p): describe(p) for p in sys.argv[1:]}))
