package io.github.pop3lite.component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.util.CharsetUtil;

/**
 * The text of a body part, decoded as a mail client decodes it: by its declared charset; a charset
 * this JVM does not know, or US-ASCII declared for 8-bit text, falls back to UTF-8 when the octets
 * are valid UTF-8 and to windows-1252 otherwise; octets invalid in the declared charset become
 * U+FFFD.
 */
record MailText(String mimeType, String charset, String content) {

    /** Text bodies longer than this are not mapped: a String of a hostile size would exhaust the heap. */
    static final int MAX_OCTETS = 16 * 1024 * 1024;

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    static MailText read(MimeParts.Part part) throws IOException {
        byte[] octets = readBounded(part.content());
        Charset declared = part.charset() == null ? StandardCharsets.US_ASCII : CharsetUtil.lookup(part.charset());
        Charset charset = declared;
        if (declared == null || (declared.equals(StandardCharsets.US_ASCII) && !isAscii(octets))) {
            charset = isUtf8(octets) ? StandardCharsets.UTF_8 : WINDOWS_1252;
        }
        return new MailText(part.mimeType(), charset.name(), new String(octets, charset));
    }

    /** As the header {@code CamelPop3LiteBodyContentType} says it: the type and the charset the text was decoded with. */
    String contentType() {
        return mimeType + "; charset=" + charset;
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (out.size() + n > MAX_OCTETS) {
                throw new IOException("the text body has more than " + MAX_OCTETS + " octets; read it from the raw message");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static boolean isAscii(byte[] octets) {
        for (byte b : octets) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUtf8(byte[] octets) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(octets));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
