package dev.braid.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import org.junit.jupiter.api.Test;

class GzipChunksTest {

    /** Event-like pieces, one of them larger than the compressor's buffer and one not compressible. */
    private static List<byte[]> pieces() {
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pieces.add(("id: k-" + i + "\nevent: run\ndata: {\"id\":\"" + i + "\",\"status\":\"succeeded\"}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        pieces.add(("data: " + "{\"x\":1}".repeat(20_000) + "\n\n").getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[50_000];
        new Random(7).nextBytes(noise);
        pieces.add(noise);
        pieces.add(new byte[0]);
        return pieces;
    }

    @Test
    void piecesDeflatedOnTheirOwnMakeOneGzipStreamInAnyOrder() throws IOException {
        List<byte[]> pieces = pieces();
        for (int round = 0; round < 3; round++) {
            java.util.Collections.shuffle(pieces, new Random(round));
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            GzipChunks.Sent sent = new GzipChunks.Sent();
            wire.write(GzipChunks.HEADER);
            for (byte[] p : pieces) {
                wire.write(GzipChunks.deflate(p));
                plain.write(p);
                sent.add(p);
            }
            wire.write(sent.end());
            // GZIPInputStream checks the trailer's CRC and length
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire.toByteArray()))) {
                assertThat(in.readAllBytes()).isEqualTo(plain.toByteArray());
            }
        }
    }

    @Test
    void eachPieceCanBeReadAsSoonAsItArrives() throws IOException {
        // a client reading a stream that has not ended: everything sent so far decodes, nothing is held back
        byte[] first = "id: a-1\nevent: run\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] wire = GzipChunks.deflate(first);
        Inflater inflater = new Inflater(true);
        inflater.setInput(wire);
        byte[] out = new byte[first.length + 10];
        int n;
        try {
            n = inflater.inflate(out);
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError(e);
        }
        assertThat(java.util.Arrays.copyOf(out, n)).isEqualTo(first);
        assertThat(inflater.finished()).isFalse();
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(wire), new Inflater(true))) {
            assertThat(in.readNBytes(first.length)).isEqualTo(first);
        }
    }

    @Test
    void repetitiveEventsShrink() {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            batch.append("id: mx1-").append(i).append("\nevent: run\ndata: {\"id\":\"0193c1a2-7f00-7000-8000-00000000")
                    .append(String.format("%04d", i)).append("\",\"recipe\":\"orders\",\"recipeVersion\":3,\"status\":\"succeeded\","
                            + "\"origin\":\"webhook\",\"createdAt\":\"2026-12-07T15:40:01.")
                    .append(100 + i).append("Z\",\"error\":null,\"keys\":{}}\n\n");
        }
        byte[] plain = batch.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(GzipChunks.deflate(plain).length).isLessThan(plain.length / 5);
    }

    @Test
    void acceptEncodingIsReadAsHttpSays() {
        assertThat(GzipChunks.accepted("gzip, deflate, br, zstd")).isTrue();
        assertThat(GzipChunks.accepted("br;q=1.0, GZIP;q=0.5")).isTrue();
        assertThat(GzipChunks.accepted("x-gzip")).isTrue();
        assertThat(GzipChunks.accepted("gzip;q=0")).isFalse();
        assertThat(GzipChunks.accepted("gzip; q=0.000")).isFalse();
        assertThat(GzipChunks.accepted("gzip;q=0.001")).isTrue();
        assertThat(GzipChunks.accepted("deflate, br")).isFalse();
        assertThat(GzipChunks.accepted("identity")).isFalse();
        assertThat(GzipChunks.accepted(null)).isFalse();
        assertThat(GzipChunks.accepted("")).isFalse();
    }
}
