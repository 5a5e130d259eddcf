using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddGaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ExpertPending",
                table: "TopicCards",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "MutedContentJson",
                table: "TopicCards",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PostSeqAtDeclare",
                table: "Crises",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PostSeqAtStandDown",
                table: "Crises",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExpertPending",
                table: "TopicCards");

            migrationBuilder.DropColumn(
                name: "MutedContentJson",
                table: "TopicCards");

            migrationBuilder.DropColumn(
                name: "PostSeqAtDeclare",
                table: "Crises");

            migrationBuilder.DropColumn(
                name: "PostSeqAtStandDown",
                table: "Crises");
        }
    }
}
