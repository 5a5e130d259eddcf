using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddOutbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CardMessages",
                columns: table => new
                {
                    CardId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    ActivityId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    OutboxMessageId = table.Column<long>(type: "INTEGER", nullable: false),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CardMessages", x => x.CardId);
                });

            migrationBuilder.CreateTable(
                name: "OutboxMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ConversationKey = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    ConversationId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: true),
                    ActivityId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CardId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CoalesceKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    InFlightSince = table.Column<long>(type: "INTEGER", nullable: true),
                    InterruptedSends = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResultConversationId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: true),
                    ResultActivityId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_CardId",
                table: "OutboxMessages",
                column: "CardId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_CoalesceKey",
                table: "OutboxMessages",
                column: "CoalesceKey");

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Key",
                table: "OutboxMessages",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboxMessages_Status_NextAttemptAt",
                table: "OutboxMessages",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CardMessages");

            migrationBuilder.DropTable(
                name: "OutboxMessages");
        }
    }
}
