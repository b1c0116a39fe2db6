/// A small Verilog testbench for Icarus Verilog (`iverilog -g2005`): it streams beats from a hex file
/// into `fxc_core_x8` or `fxc_core_x1` with seeded random stalls and writes every output lane as a
/// signed decimal, one per line, so its outputs can be compared with Verilator's.
enum IcarusTestbench {
    static let fileName = "icarus_tb.v"

    static let text = #"""
// Icarus Verilog testbench for the fxcodec streaming core (reset tables, mode at run time).
//   iverilog -g2005 -o tb -DFXC_CORE=fxc_core_x8 -P icarus_tb.LANES=8 -P icarus_tb.LANE_BITS=16 \
//     -P icarus_tb.ENTRY_BITS=39 icarus_tb.v fxc_*.v
//   vvp tb +stim=beats.hex +beats=N +mode=M +stall=PERCENT +seed=S +out=values.txt
// beats.hex: one input beat per line, {tlast, tuser[1:0], tdata} in hex. values.txt: every output lane
// of every output beat, as a signed decimal, in order. Prints "done …, framing_error F" or "timeout".
`timescale 1ns/1ps
`ifndef FXC_CORE
`define FXC_CORE fxc_core_x8
`endif
module icarus_tb;
    parameter LANES = 8;
    parameter LANE_BITS = 16;
    parameter ENTRY_BITS = 40;
    parameter MAX_BEATS = 65536;
    localparam W = LANES * LANE_BITS;

    reg aclk = 1'b0, aresetn = 1'b0;
    reg [1:0] mode = 2'd0;
    reg [W-1:0] s_tdata = {W{1'b0}};
    reg s_tvalid = 1'b0, s_tlast = 1'b0;
    reg [1:0] s_tuser = 2'b00;
    wire s_tready;
    wire [W-1:0] m_tdata;
    wire m_tvalid, m_tlast;
    wire [1:0] m_tuser;
    reg m_tready = 1'b0;
    reg qt_we = 1'b0, qt_table = 1'b0;
    reg [5:0] qt_addr = 6'd0;
    reg [ENTRY_BITS-1:0] qt_data = {ENTRY_BITS{1'b0}};
    wire framing_error;

    `FXC_CORE dut (
        .aclk(aclk), .aresetn(aresetn), .mode(mode),
        .s_axis_tdata(s_tdata), .s_axis_tvalid(s_tvalid), .s_axis_tready(s_tready),
        .s_axis_tlast(s_tlast), .s_axis_tuser(s_tuser),
        .m_axis_tdata(m_tdata), .m_axis_tvalid(m_tvalid), .m_axis_tready(m_tready),
        .m_axis_tlast(m_tlast), .m_axis_tuser(m_tuser),
        .qt_we(qt_we), .qt_table(qt_table), .qt_addr(qt_addr), .qt_data(qt_data),
        .framing_error(framing_error));

    reg [W+2:0] beats [0:MAX_BEATS-1];
    reg [8*512-1:0] stim_name, out_name;
    integer n, stall, seed, out_file, next_in, received, k, cycles;
    reg running = 1'b0;

    always #5 aclk = ~aclk;

    initial begin
        if (!$value$plusargs("stim=%s", stim_name) || !$value$plusargs("beats=%d", n)
            || !$value$plusargs("out=%s", out_name)) begin
            $display("usage: +stim=FILE +beats=N +out=FILE [+mode=M] [+stall=PERCENT] [+seed=S]");
            $finish;
        end
        if (!$value$plusargs("mode=%d", mode)) mode = 2'd2;
        if (!$value$plusargs("stall=%d", stall)) stall = 0;
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        $readmemh(stim_name, beats, 0, n - 1);
        out_file = $fopen(out_name, "w");
        next_in = 0;
        received = 0;
        cycles = 0;
        repeat (4) @(posedge aclk);
        aresetn <= 1'b1;
        @(posedge aclk);
        running <= 1'b1;
    end

    // Inputs change only on clock edges, with nonblocking assignments, so the core samples them cleanly.
    always @(posedge aclk)
        if (running) begin
            cycles = cycles + 1;
            if (s_tvalid && s_tready) next_in = next_in + 1;
            if (!(s_tvalid && !s_tready)) begin
                if (next_in < n && $unsigned($random(seed)) % 100 >= stall) begin
                    s_tvalid <= 1'b1;
                    {s_tlast, s_tuser, s_tdata} <= beats[next_in];
                end else begin
                    s_tvalid <= 1'b0;
                end
            end
            if (m_tvalid && m_tready) begin
                for (k = 0; k < LANES; k = k + 1) $fwrite(out_file, "%0d\n", $signed(m_tdata[k*LANE_BITS +: LANE_BITS]));
                received = received + 1;
                if (received == n) begin
                    $fclose(out_file);
                    $display("done %0d beats in %0d clocks, framing_error %0d", received, cycles, framing_error);
                    $finish;
                end
            end
            m_tready <= $unsigned($random(seed)) % 100 >= stall;
            if (cycles > 100000 + 200 * n) begin
                $display("timeout after %0d clocks, %0d beats out", cycles, received);
                $finish;
            end
        end
endmodule

"""#
}
