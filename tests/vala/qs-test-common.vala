/* qs-test-common.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the Vala tests share: waiting on the default main context until a
 * condition holds (or failing the test at a deadline), and a trace of a
 * socket's signals, connected as Vala signals, in the words of the C
 * tests: "connected", "state-changed(connected-state)".
 */

namespace QsTest {
    public const uint TIMEOUT_MS = 5000;

    public delegate bool Condition ();

    /* Iterates the default main context until done () holds; aborts the
     * test when it still does not after TIMEOUT_MS. */
    public void run_until (Condition done) {
        var expired = false;
        var deadline = Timeout.add (TIMEOUT_MS, () => {
            expired = true;
            return Source.REMOVE;
        });
        var context = MainContext.default ();
        while (!done () && !expired)
            context.iteration (true);
        if (!done ())
            error ("timed out after %u ms", TIMEOUT_MS);
        if (!expired)
            Source.remove (deadline);
    }

    /* The nick of an enum value: "connected-state". */
    public string nick (Type enum_type, int value) {
        var enum_class = (EnumClass) enum_type.class_ref ();
        return enum_class.get_value (value).value_nick;
    }

    /* The signals a socket emitted, in order. */
    public class Trace {
        private string[] events = {};

        public Trace (Qs.IODevice device) {
            device.ready_read.connect (() => add ("ready-read"));
            device.bytes_written.connect ((bytes) => add (@"bytes-written($bytes)"));
            device.read_channel_finished.connect (() => add ("read-channel-finished"));
            device.about_to_close.connect (() => add ("about-to-close"));

            var socket = device as Qs.AbstractSocket;
            if (socket != null) {
                socket.host_found.connect (() => add ("host-found"));
                socket.connected.connect (() => add ("connected"));
                socket.disconnected.connect (() => add ("disconnected"));
                socket.state_changed.connect ((state) =>
                    add ("state-changed(%s)".printf (nick (typeof (Qs.SocketState), state))));
                socket.error_occurred.connect ((error) =>
                    add ("error-occurred(%s)".printf (nick (typeof (Qs.SocketError), error))));
            }

            var local = device as Qs.LocalSocket;
            if (local != null) {
                local.connected.connect (() => add ("connected"));
                local.disconnected.connect (() => add ("disconnected"));
                local.state_changed.connect ((state) =>
                    add ("state-changed(%s)".printf (nick (typeof (Qs.LocalSocketState), state))));
                local.error_occurred.connect ((error) =>
                    add ("error-occurred(%s)".printf (nick (typeof (Qs.LocalSocketError), error))));
            }
        }

        private void add (string event) {
            events += event;
        }

        /* The events from index first on, separated by spaces. */
        public string since (int first) {
            var text = new StringBuilder ();
            for (var i = first; i < events.length; i++)
                text.append (i == first ? events[i] : " " + events[i]);
            return text.str;
        }

        /* How many times event was emitted. */
        public int count (string event) {
            var n = 0;
            foreach (unowned string e in events) {
                if (e == event)
                    n++;
            }
            return n;
        }
    }
}
