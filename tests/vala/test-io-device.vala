/* test-io-device.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qs.IODevice subclassed in Vala through qsock-1.0.vapi: the read_data,
 * read_line_data and write_data virtual methods take uint8[] buffers
 * (fixed in Qs-1.0.metadata), and the library's read and write calls
 * reach them with exact bytes: every byte read comes from read_data.
 */

/* A device that reads from a fixed text and keeps what is written. */
class TextDevice : Qs.IODevice {
    private uint8[] source;
    private size_t position = 0;
    public ByteArray written = new ByteArray ();

    public TextDevice (string text) {
        source = text.data;
    }

    public override int64 read_data (uint8[] data) {
        var n = size_t.min (data.length, source.length - position);
        if (n > 0)
            Memory.copy (data, &source[position], n);
        position += n;
        return (int64) n;
    }

    public override int64 write_data (uint8[] data) {
        written.append (data);
        return data.length;
    }
}

void test_read_data () {
    var device = new TextDevice ("line one\nrest");
    assert_true (device.open (Qs.OpenMode.READ_ONLY));
    var buffer = new uint8[16];
    assert_cmpint ((int) device.read_line (buffer), CompareOperator.EQ, 9);
    assert_cmpmem (buffer[0:9], "line one\n".data);
    var two = new uint8[2];
    assert_cmpint ((int) device.read (two), CompareOperator.EQ, 2);
    assert_cmpmem (two, "re".data);
    assert_cmpint ((int) device.read (buffer), CompareOperator.EQ, 2);
    assert_cmpmem (buffer[0:2], "st".data);
    assert_cmpint ((int) device.read (buffer), CompareOperator.EQ, 0);
}

void test_write_data () {
    var device = new TextDevice ("");
    assert_true (device.open (Qs.OpenMode.WRITE_ONLY));
    assert_cmpint ((int) device.write ("abc".data), CompareOperator.EQ, 3);
    assert_cmpint ((int) device.write ("de".data), CompareOperator.EQ, 2);
    assert_cmpmem (device.written.data, "abcde".data);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/io-device/read-data", test_read_data);
    Test.add_func ("/vala/io-device/write-data", test_write_data);
    return Test.run ();
}
