/// The project's own `hls_stream.h` and `ap_axi_sdata.h` for C simulation with g++ outside the vendor
/// tools (written for fxcodec; the vendor tools bring their own and never see `csim/include`).
enum StandIns {
    static let directory = "csim/include"

    static func hlsStream(banner: String) -> String {
        banner + """

        #ifndef FXCODEC_HLS_STREAM_H
        #define FXCODEC_HLS_STREAM_H

        // hls::stream for C simulation: an unbounded FIFO with the vendor class's interface (read, write,
        // empty, full, size, the non-blocking forms, << and >>). A C simulation runs the processes of a
        // DATAFLOW region one after another, so a FIFO holds all a process writes for one call.

        #include <cstddef>
        #include <cstdio>
        #include <cstdlib>
        #include <deque>
        #include <string>

        namespace hls {

        template <typename T>
        class stream {
        public:
            stream() : name_("stream") {}
            explicit stream(const char* name) : name_(name) {}

            bool empty() const { return fifo_.empty(); }
            bool full() const { return false; }
            std::size_t size() const { return fifo_.size(); }

            void write(const T& value) { fifo_.push_back(value); }
            bool write_nb(const T& value) {
                write(value);
                return true;
            }
            T read() {
                if (fifo_.empty()) {
                    fprintf(stderr, "hls::stream '%s': read from an empty stream (a process reads more than was written)\\n",
                            name_.c_str());
                    abort();
                }
                T value = fifo_.front();
                fifo_.pop_front();
                return value;
            }
            void read(T& value) { value = read(); }
            bool read_nb(T& value) {
                if (fifo_.empty()) return false;
                value = read();
                return true;
            }
            stream& operator<<(const T& value) {
                write(value);
                return *this;
            }
            stream& operator>>(T& value) {
                value = read();
                return *this;
            }

        private:
            stream(const stream&);             // a stream is a channel, never copied
            stream& operator=(const stream&);
            std::string name_;
            std::deque<T> fifo_;
        };

        }  // namespace hls

        #endif

        """
    }

    static func axiStream(banner: String) -> String {
        banner + """

        #ifndef FXCODEC_AP_AXI_SDATA_H
        #define FXCODEC_AP_AXI_SDATA_H

        // An AXI4-Stream beat with side channels, its fields named as the vendor's ap_axi_sdata.h names
        // them: data, keep, strb, user, last, id, dest (every width at least 1). Only the unsigned form
        // (ap_axiu) is used by the generated code.

        #include <ap_int.h>

        template <int D, int U, int TI, int TD>
        struct ap_axiu {
            ap_uint<D> data;
            ap_uint<(D + 7) / 8> keep;
            ap_uint<(D + 7) / 8> strb;
            ap_uint<U> user;
            ap_uint<1> last;
            ap_uint<TI> id;
            ap_uint<TD> dest;
        };

        #endif

        """
    }
}
