using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddInbound : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InboundTurns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ActivityId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: true),
                    Type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundTurns", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboundTurns_Key",
                table: "InboundTurns",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundTurns_LeaseOwner",
                table: "InboundTurns",
                column: "LeaseOwner");

            migrationBuilder.CreateIndex(
                name: "IX_InboundTurns_Status_NextAttemptAt",
                table: "InboundTurns",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InboundTurns");
        }
    }
}
