using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddCrisis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Crises",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    ProductKeys = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ActiveSlot = table.Column<int>(type: "INTEGER", nullable: true),
                    DeclaredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeclaredById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DeclaredByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ProposalId = table.Column<long>(type: "INTEGER", nullable: true),
                    ChannelId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    ChannelName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    TeamId = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ChannelOrigin = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    WarRoomUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    UpdateCadenceHours = table.Column<int>(type: "INTEGER", nullable: false),
                    StatusRequests = table.Column<int>(type: "INTEGER", nullable: false),
                    NextStatusRequestAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StoodDownAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StoodDownById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    StoodDownByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    StandDownReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Lessons = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Crises", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CrisisProposals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TopicId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    TopicTitle = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Product = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    ProposedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ProposedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DecidedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CrisisProposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CrisisDecisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    RaisedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RaisedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RaisedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ResolvedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CrisisDecisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CrisisDecisions_Crises_CrisisId",
                        column: x => x.CrisisId,
                        principalTable: "Crises",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CrisisRoles",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TeamsUserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AssignedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RemovedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CrisisRoles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CrisisRoles_Crises_CrisisId",
                        column: x => x.CrisisId,
                        principalTable: "Crises",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CrisisStatusUpdates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: false),
                    Request = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AuthorId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CrisisStatusUpdates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CrisisStatusUpdates_Crises_CrisisId",
                        column: x => x.CrisisId,
                        principalTable: "Crises",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Crises_ActiveSlot",
                table: "Crises",
                column: "ActiveSlot",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CrisisDecisions_CrisisId_ResolvedAt",
                table: "CrisisDecisions",
                columns: new[] { "CrisisId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CrisisProposals_TopicId_Status",
                table: "CrisisProposals",
                columns: new[] { "TopicId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CrisisRoles_CrisisId",
                table: "CrisisRoles",
                column: "CrisisId");

            migrationBuilder.CreateIndex(
                name: "IX_CrisisStatusUpdates_CrisisId",
                table: "CrisisStatusUpdates",
                column: "CrisisId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CrisisDecisions");

            migrationBuilder.DropTable(
                name: "CrisisProposals");

            migrationBuilder.DropTable(
                name: "CrisisRoles");

            migrationBuilder.DropTable(
                name: "CrisisStatusUpdates");

            migrationBuilder.DropTable(
                name: "Crises");
        }
    }
}
