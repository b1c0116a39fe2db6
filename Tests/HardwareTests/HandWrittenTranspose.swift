/// The hand-written `fxc_transpose` the Verilog core instantiated before it printed the
/// `Blocks.transpose` description: kept as the reference the description is checked against
/// (TransposeEquivalenceTests), word width and tag width as parameters (defaults 16 and 2).
enum HandWrittenTranspose {
    static let name = "fxc_transpose"

    static func text() -> String {
        """
        // Ping-pong 8x8 transpose: lines (rows, or columns) go in one per write; once a buffer holds all 8
        // lines of a block, its cross-lines (columns, or rows) come out one per read while the other
        // buffer fills. Element k of line i lives in bank (i + k) mod 8 at address {buffer, i}: a line write
        // and a cross-line read each touch every bank once, so each bank is a 16-word memory with one write
        // and one asynchronous read port (LUT RAM), and the only muxes are the two 8-way lane rotations.
        // wr_en only when can_write; rd_en only when rd_valid. A block's tag is taken with its first line.
        module \(name) #(
            parameter W = 16,
            parameter TW = 2
        ) (
            input  wire           aclk,
            input  wire           aresetn,
            input  wire           wr_en,
            input  wire [8*W-1:0] wr_data,   // element k at bits [W*k +: W]
            input  wire [TW-1:0]  wr_tag,
            output wire           can_write,
            input  wire           rd_en,
            output wire           rd_valid,
            output wire [2:0]     rd_index,  // which cross-line rd_data is
            output wire [TW-1:0]  rd_tag,
            output wire [8*W-1:0] rd_data    // element rd_index of line k at bits [W*k +: W]
        );
            reg [1:0] full;
            reg wr_buffer, rd_buffer;
            reg [2:0] wr_line, rd_line;
            reg [TW-1:0] tag0, tag1;

            assign can_write = !full[wr_buffer];
            assign rd_valid = full[rd_buffer];
            assign rd_index = rd_line;
            assign rd_tag = rd_buffer ? tag1 : tag0;

            always @(posedge aclk)
                if (!aresetn) begin
                    full <= 2'b00;
                    wr_buffer <= 1'b0;
                    rd_buffer <= 1'b0;
                    wr_line <= 3'd0;
                    rd_line <= 3'd0;
                end else begin
                    if (wr_en) begin
                        wr_line <= wr_line + 3'd1;
                        if (wr_line == 3'd7) begin
                            full[wr_buffer] <= 1'b1;
                            wr_buffer <= !wr_buffer;
                        end
                    end
                    if (rd_en) begin
                        rd_line <= rd_line + 3'd1;
                        if (rd_line == 3'd7) begin
                            full[rd_buffer] <= 1'b0;
                            rd_buffer <= !rd_buffer;
                        end
                    end
                end

            always @(posedge aclk)
                if (wr_en && wr_line == 3'd0) begin
                    if (wr_buffer) tag1 <= wr_tag;
                    else tag0 <= wr_tag;
                end

            wire [W-1:0] wr_element [0:7];
            wire [W-1:0] bank_out [0:7];
            genvar b;
            generate
                for (b = 0; b < 8; b = b + 1) begin : unpack
                    assign wr_element[b] = wr_data[W*b +: W];
                end
                for (b = 0; b < 8; b = b + 1) begin : bank
                    localparam [2:0] BANK = b;
                    reg [W-1:0] word [0:15];
                    wire [2:0] wr_position = BANK - wr_line;   // element of the written line stored here
                    wire [2:0] rd_from_line = BANK - rd_line;  // line whose element rd_line is stored here
                    always @(posedge aclk)
                        if (wr_en) word[{wr_buffer, wr_line}] <= wr_element[wr_position];
                    assign bank_out[b] = word[{rd_buffer, rd_from_line}];
                end
                for (b = 0; b < 8; b = b + 1) begin : rotate
                    localparam [2:0] LINE = b;
                    wire [2:0] from_bank = LINE + rd_line;
                    assign rd_data[W*b +: W] = bank_out[from_bank];
                end
            endgenerate
        endmodule

        """
    }
}
